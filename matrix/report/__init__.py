"""The published report from stored results: the frame of cells, tables, findings, the page,
Markdown, pictures, the dataset, what changed since the last run. Host side: pandas & co."""
