#!/bin/sh
# Runs once in the mc container: per regime and region, a versioned bucket with Object Lock and a
# default COMPLIANCE retention, a writer (put/get/list, every delete and lock change denied) and a
# reader (get/list incl. versions) and a drill user (reads like the reader, puts only its reports
# under strata/v1/drills/), an expire user (lists, reads and deletes versions whose lock passed; no put, no
# retention change), a ledger user (reads like the reader, puts only erasure ledger entries under
# strata/v1/ledger/). Beside each bucket its key store bucket <bucket>-keys: no lock, no versioning (a deleted
# data key is gone); the writer reads and creates keys there, the reader and the drill user read them, the
# key-admin user (tenant erasure) lists, reads and deletes them; on the backup bucket it lists and puts and reads
# erasure tombstones under strata/v1/erased/ only (the writer is denied puts there and under the ledger). Keys
# come from the mounted secret files, never from here.
set -eu
prop() { sed -n "s/^$2=//p" "$1"; }
root_user=$(cat /run/secrets/s3-root-user); root_pass=$(cat /run/secrets/s3-root-password)
for regime in us eu; do
  for region in primary backup; do
    alias="$regime-$region"; bucket="strata-$regime-$region"
    mc alias set "$alias" "http://s3-$regime-$region:9000" "$root_user" "$root_pass"
    mc mb --ignore-existing --with-lock "$alias/$bucket"
    mc retention set --default COMPLIANCE 30d "$alias/$bucket"
    mc mb --ignore-existing "$alias/$bucket-keys"
    cat > /tmp/writer.json <<JSON
{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:PutObject","s3:GetObject","s3:ListBucket","s3:GetBucketObjectLockConfiguration"],"Resource":["arn:aws:s3:::$bucket","arn:aws:s3:::$bucket/*"]},
 {"Effect":"Allow","Action":["s3:PutObject","s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::$bucket-keys","arn:aws:s3:::$bucket-keys/*"]},
 {"Effect":"Deny","Action":["s3:DeleteObject","s3:DeleteObjectVersion","s3:PutObjectRetention","s3:PutObjectLegalHold","s3:BypassGovernanceRetention","s3:PutBucketObjectLockConfiguration","s3:PutLifecycleConfiguration","s3:DeleteBucket"],"Resource":["*"]},
 {"Effect":"Deny","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::$bucket/strata/v1/ledger/*","arn:aws:s3:::$bucket/strata/v1/erased/*"]}]}
JSON
    cat > /tmp/reader.json <<JSON
{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion","s3:GetObjectRetention","s3:ListBucket","s3:ListBucketVersions"],"Resource":["arn:aws:s3:::$bucket","arn:aws:s3:::$bucket/*"]},
 {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::$bucket-keys","arn:aws:s3:::$bucket-keys/*"]}]}
JSON
    cat > /tmp/drill.json <<JSON
{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion","s3:GetObjectRetention","s3:ListBucket","s3:ListBucketVersions"],"Resource":["arn:aws:s3:::$bucket","arn:aws:s3:::$bucket/*"]},
 {"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::$bucket/strata/v1/drills/*"]},
 {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::$bucket-keys","arn:aws:s3:::$bucket-keys/*"]}]}
JSON
    cat > /tmp/expire.json <<JSON
{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:ListBucket","s3:ListBucketVersions","s3:GetObject","s3:GetObjectVersion","s3:GetObjectRetention","s3:DeleteObjectVersion"],"Resource":["arn:aws:s3:::$bucket","arn:aws:s3:::$bucket/*"]},
 {"Effect":"Deny","Action":["s3:PutObject","s3:DeleteObject","s3:PutObjectRetention","s3:PutObjectLegalHold","s3:BypassGovernanceRetention","s3:PutBucketObjectLockConfiguration","s3:PutLifecycleConfiguration","s3:DeleteBucket"],"Resource":["*"]}]}
JSON
    cat > /tmp/ledger.json <<JSON
{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion","s3:GetObjectRetention","s3:ListBucket","s3:ListBucketVersions"],"Resource":["arn:aws:s3:::$bucket","arn:aws:s3:::$bucket/*"]},
 {"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::$bucket/strata/v1/ledger/*"]},
 {"Effect":"Deny","Action":["s3:DeleteObject","s3:DeleteObjectVersion","s3:PutObjectRetention","s3:PutObjectLegalHold","s3:BypassGovernanceRetention"],"Resource":["*"]}]}
JSON
    cat > /tmp/key-admin.json <<JSON
{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket","s3:DeleteObject","s3:GetBucketVersioning"],"Resource":["arn:aws:s3:::$bucket-keys","arn:aws:s3:::$bucket-keys/*"]},
 {"Effect":"Allow","Action":["s3:ListBucket","s3:ListBucketVersions"],"Resource":["arn:aws:s3:::$bucket"]},
 {"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion","s3:PutObject"],"Resource":["arn:aws:s3:::$bucket/strata/v1/erased/*"]},
 {"Effect":"Deny","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::$bucket-keys/*"]},
 {"Effect":"Deny","Action":["s3:DeleteObject","s3:DeleteObjectVersion","s3:PutObjectRetention","s3:PutObjectLegalHold","s3:BypassGovernanceRetention"],"Resource":["arn:aws:s3:::$bucket/*"]},
 {"Effect":"Deny","Action":["s3:PutBucketPolicy","s3:PutLifecycleConfiguration","s3:DeleteBucket"],"Resource":["*"]}]}
JSON
    mc admin policy create "$alias" strata-writer /tmp/writer.json || true
    mc admin policy create "$alias" strata-reader /tmp/reader.json || true
    mc admin policy create "$alias" strata-drill /tmp/drill.json || true
    mc admin policy create "$alias" strata-expire /tmp/expire.json || true
    mc admin policy create "$alias" strata-ledger /tmp/ledger.json || true
    mc admin policy create "$alias" strata-key-admin /tmp/key-admin.json || true
    for role in writer reader drill expire ledger key-admin; do
      f=/run/secrets/$regime-$role
      mc admin user add "$alias" "$(prop "$f" access.key.id)" "$(prop "$f" secret.access.key)"
      mc admin policy attach "$alias" "strata-$role" --user "$(prop "$f" access.key.id)" || true
    done
  done
done
