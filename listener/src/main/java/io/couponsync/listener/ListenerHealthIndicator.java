package io.couponsync.listener;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * UP while subscribed and the writer's last attempt did not fail; shows the (redacted) URL, the age of the last
 * notification, the checkpoint slot, the buffer depth and the writer: its state, restarts and last error.
 */
final class ListenerHealthIndicator extends AbstractHealthIndicator {

	private final StagingListener listener;

	ListenerHealthIndicator(StagingListener listener) {
		this.listener = listener;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		WriterHealth writer = listener.writerHealth();
		boolean writerAlive = listener.writerAlive();
		builder.status(listener.connected() && writerAlive && !writer.failing() ? "UP" : "DOWN");
		builder.withDetail("url", listener.endpoint());
		builder.withDetail("connected", listener.connected());
		Instant last = listener.lastNotificationAt();
		builder.withDetail("lastNotificationAgeSeconds",
				last == null ? "none yet" : Duration.between(last, Instant.now()).toSeconds());
		builder.withDetail("checkpointSlot", listener.highestSlot());
		builder.withDetail("bufferDepth", listener.bufferDepth());
		Map<String, Object> writerDetails = new LinkedHashMap<>();
		writerDetails.put("state", writerAlive ? writer.state().name().toLowerCase(Locale.ROOT) : "dead");
		writerDetails.put("restarts", writer.restarts());
		if (writer.lastError() != null) {
			writerDetails.put("lastError", writer.lastError());
			writerDetails.put("lastErrorAt", writer.lastErrorAt().toString());
		}
		builder.withDetail("writer", writerDetails);
	}
}
