package dev.strata.local;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

class AccessKeyTest {

    @Test
    void toStringShowsTheKeyIdButNeverTheSecret() {
        AccessKey key = new AccessKey("AKIDEXAMPLE", "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY");

        assertThat(key.toString()).contains("AKIDEXAMPLE").doesNotContain("wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY").contains("***");
    }

    @Test
    void randomKeysAreAwsShapedAndDistinct() {
        SecureRandom random = new SecureRandom();
        AccessKey first = AccessKey.random(random);
        AccessKey second = AccessKey.random(random);

        assertThat(first.accessKeyId()).matches("[A-Z0-9]{20}");
        assertThat(first.secretAccessKey()).matches("[A-Za-z0-9]{40}");
        assertThat(first).isNotEqualTo(second);
        assertThat(first.secretAccessKey()).isNotEqualTo(second.secretAccessKey());
    }
}
