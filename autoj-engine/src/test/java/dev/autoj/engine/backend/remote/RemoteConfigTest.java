package dev.autoj.engine.backend.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RemoteConfigTest {

    @Test
    void defaultsMatchAutoJsPublishedDecodingAndASmallFleet() {
        RemoteConfig config = RemoteConfig.of("http://judge:8000");

        assertThat(config.endpoints()).containsExactly(URI.create("http://judge:8000"));
        assertThat(config.modelName()).isEqualTo("GAIR/autoj-13b");
        assertThat(config.maxTokens()).isEqualTo(1024);
        assertThat(config.concurrency()).isEqualTo(8);
        assertThat(config.maxRetries()).isEqualTo(3);
        assertThat(config.bearerTokenEnv()).isNull();
    }

    @Test
    void endpointsAcceptTheOpenAiStyleV1SuffixAndTrailingSlashes() {
        RemoteConfig config = RemoteConfig.builder()
                .endpoints(" http://a:8000/v1/ , https://b.example/judge/,http://[::1]:9000 ")
                .build();

        assertThat(config.endpoints()).containsExactly(
                URI.create("http://a:8000"), URI.create("https://b.example/judge"), URI.create("http://[::1]:9000"));
    }

    @Test
    void invalidSettingsNameTheSettingAndTheFix() {
        assertThatThrownBy(() -> RemoteConfig.builder().build())
                .hasMessageContaining("endpoints").hasMessageContaining("at least one");
        assertThatThrownBy(() -> RemoteConfig.of("judge:8000"))
                .hasMessageContaining("endpoints").hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> RemoteConfig.of("http://a:8000/v1/completions?x=1"))
                .hasMessageContaining("without ?query");
        assertThatThrownBy(() -> RemoteConfig.of("http://a:8000,http://a:8000/"))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> RemoteConfig.of("http://a:8000").toBuilder().concurrency(0).build())
                .hasMessage("remote backend setting concurrency must be between 1 and 1024, got 0");
        assertThatThrownBy(() -> RemoteConfig.of("http://a:8000").toBuilder().maxRetries(-1).build())
                .hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> RemoteConfig.of("http://a:8000").toBuilder().modelName(" ").build())
                .hasMessageContaining("modelName").hasMessageContaining("/v1/models");
        assertThatThrownBy(() -> RemoteConfig.of("http://a:8000").toBuilder().requestTimeout(Duration.ZERO).build())
                .hasMessageContaining("requestTimeout must be a positive duration");
        assertThatThrownBy(() -> RemoteConfig.of("http://a:8000").toBuilder()
                .backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
                .hasMessageContaining("backoffCap must be at least backoffBase");
    }

    @Test
    void credentialsCannotBePutInTheConfig() {
        assertThatThrownBy(() -> RemoteConfig.builder().endpoints("http://a:8000").bearerTokenEnv("sk-abc.def").build())
                .hasMessageContaining("bearerTokenEnv must be the NAME of an environment variable")
                .hasMessageNotContaining("sk-abc.def");
        assertThatThrownBy(() -> RemoteConfig.of("http://user:secret@a:8000"))
                .hasMessageContaining("user info")
                .hasMessageNotContaining("secret");
    }
}
