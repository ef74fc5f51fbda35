package io.couponsync.listener;

import java.time.Duration;
import java.time.Instant;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** UP while subscribed; shows the age of the last notification, the checkpoint slot and the buffer depth. */
final class ListenerHealthIndicator extends AbstractHealthIndicator {

	private final StagingListener listener;

	ListenerHealthIndicator(StagingListener listener) {
		this.listener = listener;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.status(listener.connected() ? "UP" : "DOWN");
		builder.withDetail("connected", listener.connected());
		Instant last = listener.lastNotificationAt();
		builder.withDetail("lastNotificationAgeSeconds",
				last == null ? "none yet" : Duration.between(last, Instant.now()).toSeconds());
		builder.withDetail("checkpointSlot", listener.highestSlot());
		builder.withDetail("bufferDepth", listener.bufferDepth());
	}
}
