package com.chaojiyuyan.kernel.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A download names its file safely: an ASCII fallback no header parser can misread, and the exact name in UTF-8. */
class ContentDispositionTest {

    @Test
    void aPlainNameAppearsTwiceUnchanged() {
        assertThat(ArtifactRoutes.contentDisposition("report-1.pdf"))
                .isEqualTo("attachment; filename=\"report-1.pdf\"; filename*=UTF-8''report-1.pdf");
    }

    @Test
    void quotesBackslashesAndNonAsciiCannotBreakOutOfTheHeader() {
        assertThat(ArtifactRoutes.contentDisposition("a \"b\"; c=d 報告.txt"))
                .isEqualTo("attachment; filename=\"a _b_; c=d __.txt\"; "
                        + "filename*=UTF-8''a%20%22b%22%3B%20c%3Dd%20%E5%A0%B1%E5%91%8A.txt");
    }
}
