package com.chaojiyuyan.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The artifact settings: where blobs go, how large an artifact and a submit may be, checked at start. */
class ArtifactSettingsTest {
    private static final Map<String, String> BASE = Map.of("CHAOJIYUYAN_DATA_DIR", "/srv/cjy");

    private static ServerConfig config(Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(BASE);
        env.putAll(extra);
        return ServerConfig.fromEnvironment(env);
    }

    @Test
    void defaults() {
        ServerConfig c = config(Map.of());
        assertThat(c.blobDir()).isEqualTo(Path.of("/srv/cjy/blobs"));
        assertThat(c.maxArtifactBytes()).isEqualTo(10L << 20);
        assertThat(c.maxSubmitBytes()).isEqualTo(32L << 20);
        assertThat(c.maxBodyBytes()).isEqualTo(1L << 20);
    }

    @Test
    void theBlobDirectoryFollowsTheDataDirectoryUnlessSetOnItsOwn() {
        // `serve --data-dir /other` reaches the config as CHAOJIYUYAN_DATA_DIR.
        assertThat(config(Map.of("CHAOJIYUYAN_DATA_DIR", "/other")).blobDir()).isEqualTo(Path.of("/other/blobs"));
        ServerConfig shared = config(Map.of("CHAOJIYUYAN_BLOB_DIR", "/mnt/shared/blobs"));
        assertThat(shared.blobDir()).isEqualTo(Path.of("/mnt/shared/blobs"));
        assertThat(config(Map.of("CHAOJIYUYAN_BLOB_DIR", "/mnt/shared/blobs", "CHAOJIYUYAN_DATA_DIR", "/other")).blobDir())
                .isEqualTo(Path.of("/mnt/shared/blobs"));
    }

    @Test
    void limitsOutsideTheirRangeStopTheStart() {
        assertThatThrownBy(() -> config(Map.of("CHAOJIYUYAN_MAX_SUBMIT_BYTES", "2048", "CHAOJIYUYAN_MAX_BODY_BYTES", "4096")))
                .hasMessageContaining("CHAOJIYUYAN_MAX_SUBMIT_BYTES");
        assertThatThrownBy(() -> config(Map.of("CHAOJIYUYAN_MAX_ARTIFACT_BYTES", Long.toString((64L << 20) + 1))))
                .hasMessageContaining("CHAOJIYUYAN_MAX_ARTIFACT_BYTES");
        assertThat(config(Map.of("CHAOJIYUYAN_MAX_ARTIFACT_BYTES", "1000")).maxArtifactBytes()).isEqualTo(1000);
    }
}
