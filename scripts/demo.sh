#!/bin/sh
# Loads the demo collection for `make run`: the real records in
# $VCM_DATA/collection.jsonl into $VCM_DB. Importing again changes nothing,
# so this runs on every start and takes a few seconds.
set -eu
data=${VCM_DATA:-../shared/data}
vcm=${VCM_BIN:-build/vcm}
file="$data/collection.jsonl"
if [ ! -r "$file" ]; then
  echo "demo: no demo data at $file; starting with an empty collection."
  echo "demo: import one with: build/vcm import FILE.jsonl   (or set VCM_DATA to the data folder)"
  exit 0
fi
echo "demo: importing $file into ${VCM_DB:-sqlite:var/vcm.db}"
# The ASEM partner countries first: their region and year of joining.
if [ -r "$data/asem-partners.csv" ]; then
  "$vcm" import "$data/asem-partners.csv" || [ $? -eq 1 ]
fi
# Status 1 means some lines were rejected (they are listed): the rest is in.
"$vcm" import --quiet "$file" || [ $? -eq 1 ]

# The network (data/network/facts.tsv: what the seeds state, each with its source).
"$vcm" network load "$data/asem-partners.csv" data/network/facts.tsv "$data/museums.csv" || echo "demo: the network's facts were not all loaded (see above)"
# Its governance and meetings (data/network/governance.tsv), after the museums it names.
"$vcm" governance load data/network/governance.tsv || echo "demo: the network's governance was not loaded (see above)"
# What museums.csv says of the museums held (native name, city, website,
# address, coordinates): rows of museums not in the collection are left.
if [ -r "$data/museums.csv" ]; then
  "$vcm" museum load --quiet "$data/museums.csv" ||
    echo "demo: some rows of $data/museums.csv were refused (see above)"
fi

# Every image of $data/images attached to its record, found by museum and
# source id (images/LICENSES.md gives their provenance). Adding the same
# image again changes nothing.
#
# The Met's 23 CC0 photographs: images/met/images.csv names each file's
# record, rights and credit line.
met="$data/images/met/images.csv"
if [ -r "$met" ]; then
  "$vcm" media add --quiet --list "$met" --files "$data/images" >/dev/null ||
    echo "demo: some images of $met could not be added (see above)"
  echo "demo: the Met's photographs in $met attached"
fi
# Three jades of the National Palace Museum, Taipei.
img="$data/images/npm_taipei"
if [ -d "$img" ]; then
  npm="National Palace Museum, Taipei"
  by="http://creativecommons.org/licenses/by/4.0/"
  cne="http://rightsstatements.org/vocab/CNE/1.0/"
  add() {
    "$vcm" media add --quiet --museum "$npm" "$1" "$img/$2" --id "$3" --rights "$4" --label "$5" \
      --attribution "$6" >/dev/null || echo "demo: could not add $2"
  }
  n=0
  for f in "$img"/jade070_0?.jpg; do
    add "古玉3888" "$(basename "$f")" "npm-jade070-$n" "$by" "view $((n + 1))" "$npm (CC BY 4.0)"
    n=$((n + 1))
  done
  add "古玉1863" jade054_00_w1140.jpg npm-jade054-0 "$by" "view 1" "$npm (CC BY 4.0)"
  # jade001: "open access" per the museum, exact terms not verified
  add "古玉0636" jade001_00.tiff npm-jade001-0 "$cne" "view 1" "$npm"
  add "古玉0636" jade001_01_w250.jpg npm-jade001-1 "$cne" "view 2" "$npm"
  add "古玉0636" jade001_02_w250.jpg npm-jade001-2 "$cne" "view 3" "$npm"
  echo "demo: images of three Taipei jades attached"
fi

# The masterpieces: as the network's editors, up to 25 records a museum,
# those with images first, then those the museum describes; each statement
# quotes the museum's own description and says so. A museum that has
# entries already (its own, or an earlier start's) is left as it is.
"$vcm" masterpieces demo || echo "demo: the masterpieces could not all be selected (see above)"
# A virtual exhibition of the jades and prints above, with a detail of a jade.
"$vcm" exhibitions demo || echo "demo: the demo's exhibition was not made (see above)"

# The curated themes (data/themes/*.json, docs/curation.md): after the
# import and the masterpieces, so that each selects from all of them.
"$vcm" themes load --quiet data/themes/*.json || echo "demo: the themes were not all loaded (see above)"

# One account per role, and how to sign in: an invitation link (or, for an
# account that has set its password, a reset link) from the outbox.
museum=$("$vcm" masterpieces list | awk -F '\t' 'NR > 1 { print $2; exit }')
echo "demo: accounts (sign in at /login once a password is set through the link):"
for role in contributor museum_admin editor secretariat; do
  email="demo-$(echo "$role" | tr _ -)@vcm.invalid"
  case $role in
  contributor | museum_admin) [ -n "$museum" ] || continue; m=$museum ;;
  *) m= ;;
  esac
  if "$vcm" user add "$email" "Demo $role" "$role" $m >/dev/null 2>&1; then
    kind=invite
  else
    # the account exists: a fresh link to set its password
    "$vcm" user reset-password "$email" >/dev/null 2>&1 || continue
    kind=reset
  fi
  link=$("$vcm" outbox "$email" | grep -o "http[^\" ]*/$kind/[0-9a-f]*" | head -n 1)
  echo "demo:   $role: $email  ${link:-(see build/vcm outbox $email)}"
done
