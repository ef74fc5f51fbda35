package io.couponsync.listener;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import io.couponsync.platform.config.DataSizeRange;
import io.couponsync.platform.config.DurationRange;

/**
 * The WebSocket listener that stages the program's transactions.
 *
 * @param enabled whether this process runs the listener (the jobs application hosts it by default)
 * @param id names this listener's checkpoint, so several listeners (one per RPC provider) keep their own
 * @param commitment the logsSubscribe commitment: confirmed (default) or finalized
 * @param bufferCapacity notifications held between the socket and the writer; when full, reading pauses
 * @param batchSize the most transactions one bulk insert writes
 * @param reconnectMinDelay the first reconnect delay, doubled per failed attempt
 * @param reconnectMaxDelay the cap of the reconnect delay
 * @param silenceTimeout a connection with no frame (notification, slot, pong) for this long is dead
 * @param pingInterval how often a ping is sent to keep the connection observably alive
 * @param maxMessageSize the longest WebSocket message accepted (in characters; the JSON is ASCII, so bytes); a longer
 * one is dropped and its connection treated as broken, so a broken or hostile endpoint cannot exhaust memory
 * @param heartbeatInterval how often the listener records its connection (connected since, last notification) for
 * processes that do not host it, such as the jobs' console; a report counts for three intervals
 */
@Validated
@ConfigurationProperties("sync.listener")
public record ListenerProperties(@DefaultValue("true") boolean enabled,
		@NotBlank @DefaultValue("default") String id,
		@NotNull @Pattern(regexp = "confirmed|finalized", message = "must be confirmed or finalized") @DefaultValue("confirmed") String commitment,
		@Min(1) @Max(1_000_000) @DefaultValue("10000") int bufferCapacity,
		@Min(1) @Max(10_000) @DefaultValue("500") int batchSize,
		@NotNull @DurationRange(min = "1ms", max = "10m") @DefaultValue("500ms") Duration reconnectMinDelay,
		@NotNull @DurationRange(min = "1ms", max = "1h") @DefaultValue("30s") Duration reconnectMaxDelay,
		@NotNull @DurationRange(min = "1s", max = "1h") @DefaultValue("30s") Duration silenceTimeout,
		@NotNull @DurationRange(min = "100ms", max = "10m") @DefaultValue("10s") Duration pingInterval,
		@NotNull @DataSizeRange(min = "1KB", max = "1GB") @DefaultValue("16MB") DataSize maxMessageSize,
		@NotNull @DefaultValue("10s") Duration heartbeatInterval) {

	@AssertTrue(message = "reconnect-min-delay must not exceed reconnect-max-delay")
	public boolean isReconnectDelayRangeOrdered() {
		return reconnectMinDelay == null || reconnectMaxDelay == null || reconnectMinDelay.compareTo(reconnectMaxDelay) <= 0;
	}

	@AssertTrue(message = "ping-interval must be shorter than silence-timeout, or a quiet but healthy connection is dropped")
	public boolean isPingIntervalUnderSilenceTimeout() {
		return pingInterval == null || silenceTimeout == null || pingInterval.compareTo(silenceTimeout) < 0;
	}

	@AssertTrue(message = "heartbeat-interval must be between 100ms and 10m")
	public boolean isHeartbeatIntervalInRange() {
		return heartbeatInterval == null || (heartbeatInterval.compareTo(Duration.ofMillis(100)) >= 0
				&& heartbeatInterval.compareTo(Duration.ofMinutes(10)) <= 0);
	}
}
