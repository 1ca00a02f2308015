-- Every archived file an upload refers to (committed or retracted): the rest of uploads/ is orphaned.
SELECT archive_path FROM uploads;
