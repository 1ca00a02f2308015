INSERT INTO uploads VALUES ($upload_id, $sha, $file_name, $archive_path, $by, $at, $added, $replaced,
                            'committed', NULL, NULL, $choices);
