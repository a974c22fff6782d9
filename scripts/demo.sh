#!/bin/sh
# Loads the demo collection for `make run`: the real records in
# $VCM_DATA/collection.jsonl into $VCM_DB. Importing again changes nothing,
# so this runs on every start and takes a few seconds.
set -eu
data=${VCM_DATA:-../shared/data}
file="$data/collection.jsonl"
if [ ! -r "$file" ]; then
  echo "demo: no demo data at $file; starting with an empty collection."
  echo "demo: import one with: build/vcm import FILE.jsonl   (or set VCM_DATA to the data folder)"
  exit 0
fi
echo "demo: importing $file into ${VCM_DB:-sqlite:var/vcm.db}"
# The ASEM partner countries first: their region and year of joining.
if [ -r "$data/asem-partners.csv" ]; then
  build/vcm import "$data/asem-partners.csv" || [ $? -eq 1 ]
fi
# Status 1 means some lines were rejected (they are listed): the rest is in.
build/vcm import --quiet "$file" || [ $? -eq 1 ]
