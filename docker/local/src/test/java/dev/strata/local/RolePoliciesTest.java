package dev.strata.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RolePoliciesTest {

    @Test
    void writerMayPutGetListOnItsBucketAndIsDeniedDestructiveActionsByName() {
        String policy = RolePolicies.writer("strata-eu-primary");

        assertThat(policy).contains("\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\",\"s3:GetObject\",\"s3:ListBucket\"]")
                .contains("\"arn:aws:s3:::strata-eu-primary\",\"arn:aws:s3:::strata-eu-primary/*\"")
                .contains("\"s3:DeleteObject\"", "\"s3:DeleteObjectVersion\"", "\"s3:PutObjectRetention\"",
                        "\"s3:BypassGovernanceRetention\"", "\"s3:PutBucket*\"", "\"s3:DeleteBucket\"")
                // RGW 16 ignores a Deny with NotAction
                .doesNotContain("NotAction");
    }

    @Test
    void readerMayReadVersionsAndIsDeniedEveryWrite() {
        String policy = RolePolicies.reader("strata-eu-backup");

        assertThat(policy).contains("\"s3:GetObjectVersion\"", "\"s3:ListBucketVersions\"", "\"s3:GetObjectRetention\"")
                .contains("\"Effect\":\"Deny\",\"Action\":[\"s3:PutObject\",\"s3:DeleteObject\"")
                .doesNotContain("NotAction");
    }

    @Test
    void drillMayReadLikeTheReaderAndPutOnlyUnderDrills() {
        String policy = RolePolicies.drill("strata-eu-primary");

        assertThat(policy).contains("\"s3:GetObjectVersion\"", "\"s3:ListBucketVersions\"")
                .contains("{\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\"],\"Resource\":[\"arn:aws:s3:::strata-eu-primary/strata/v1/drills/*\"]}")
                .contains("\"s3:DeleteObject\"", "\"s3:PutObjectRetention\"")
                .doesNotContain("NotAction");
    }

    @Test
    void onlyTheLedgerUserMayPutUnderTheLedger() {
        assertThat(RolePolicies.ledger("strata-eu-primary")).contains("\"s3:GetObjectVersion\"", "\"s3:ListBucketVersions\"")
                .contains("{\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\"],\"Resource\":[\"arn:aws:s3:::strata-eu-primary/strata/v1/ledger/*\"]}")
                .contains("\"s3:DeleteObject\"", "\"s3:PutObjectRetention\"")
                .doesNotContain("NotAction");
        // a sink's key must never make a restore leave rows out
        assertThat(RolePolicies.writer("strata-eu-primary"))
                .contains("{\"Effect\":\"Deny\",\"Action\":[\"s3:PutObject\"],\"Resource\":[\"arn:aws:s3:::strata-eu-primary/strata/v1/ledger/*\",");
    }

    @Test
    void onlyTheKeyAdminMayPutTombstonesAndItReadsNoBackupBody() {
        assertThat(RolePolicies.tombstones("strata-eu-primary"))
                .contains("{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:GetObjectVersion\",\"s3:PutObject\"],"
                        + "\"Resource\":[\"arn:aws:s3:::strata-eu-primary/strata/v1/erased/*\"]}")
                .doesNotContainPattern("\"Effect\":\"Allow\"[^}]*strata-eu-primary/\\*\"")
                .doesNotContain("\"Resource\":\"*\"") // its denies must not reach the key store, where it deletes
                .contains("\"s3:DeleteObject\"", "\"s3:PutObjectRetention\"");
        // a sink's key must never make a tenant look erased
        assertThat(RolePolicies.writer("strata-eu-primary")).contains("\"arn:aws:s3:::strata-eu-primary/strata/v1/erased/*\"]}");
    }

    @Test
    void refusesBucketNamesThatWouldBreakThePolicyDocument() {
        assertThatThrownBy(() -> RolePolicies.writer("bad\",\"arn:aws:s3:::*"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid S3 bucket name");
    }
}
