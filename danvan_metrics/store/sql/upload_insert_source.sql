-- An upload is the source of its figures: the units' report, sent as a file by an editor on a day.
-- Cited as what it is ("Báo cáo của đơn vị (tệp q1.xlsx, bien.tap tải lên), 02/12/2026"), not by a login alone.
INSERT INTO sources VALUES ($source_id, 'Tệp tải lên: ' || $file_name,
                            'Báo cáo của đơn vị (tệp ' || $file_name || ', ' || $by || ' tải lên)',
                            CAST($at AS DATE), 'tải lên', NULL, $archive_path, $by);
