"""Edited copies back into the source: ``docx`` reads a Word copy publish wrote, as Word or
LibreOffice saved it, and gives the Markdown source with its edits (``publish import``).
Imports the read and formats layers (the article reader, the DOCX marks) and project."""
