-- An upload is the source of its figures: the archived file, who sent it and when.
INSERT INTO sources VALUES ($source_id, 'Tệp tải lên: ' || $file_name, $by, CAST($at AS DATE), 'tải lên',
                            NULL, $archive_path, $by);
