"""Model + layout in, PDF bytes out. The only package that imports ReportLab."""
