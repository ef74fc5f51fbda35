package io.couponsync.listener;

import java.util.concurrent.BlockingQueue;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The listener's Micrometer meters, named {@code sync.listener.*}. */
final class ListenerMetrics {

	final Counter received;

	final Counter staged;

	final Counter duplicates;

	final Counter unstorable;

	final Counter malformed;

	final Counter reconnects;

	final Counter gaps;

	final Counter bufferFull;

	final Counter writeFailures;

	final Counter writerRestarts;

	final Counter oversizedMessages;

	final Timer writeLatency;

	ListenerMetrics(MeterRegistry registry, BlockingQueue<?> buffer, BooleanSupplier connected,
			WriterHealth writer) {
		received = Counter.builder("sync.listener.notifications.received")
			.description("logsNotifications received").register(registry);
		staged = Counter.builder("sync.listener.transactions.staged")
			.description("transactions newly inserted into staging").register(registry);
		duplicates = Counter.builder("sync.listener.transactions.duplicates")
			.description("notifications whose signature was staged already").register(registry);
		unstorable = Counter.builder("sync.listener.transactions.unstorable")
			.description("transactions over MongoDB's document size limit, staged without their logs to be "
					+ "dead-lettered")
			.register(registry);
		malformed = Counter.builder("sync.listener.notifications.malformed")
			.description("frames that were not a well-formed message").register(registry);
		reconnects = Counter.builder("sync.listener.reconnects").description("connections lost and retried")
			.register(registry);
		gaps = Counter.builder("sync.listener.gaps").description("coverage gaps recorded for the backfill")
			.register(registry);
		bufferFull = Counter.builder("sync.listener.buffer.full")
			.description("times reading paused because the buffer was full").register(registry);
		writeFailures = Counter.builder("sync.listener.write.failures").description("bulk writes retried")
			.register(registry);
		writerRestarts = Counter.builder("sync.listener.writer.restarts")
			.description("times the staging writer was restarted after a failure").register(registry);
		oversizedMessages = Counter.builder("sync.listener.messages.oversized")
			.description("WebSocket messages over max-message-size, dropped with their connection").register(registry);
		writeLatency = Timer.builder("sync.listener.write.latency").description("one bulk insert into staging")
			.register(registry);
		Gauge.builder("sync.listener.buffer.depth", buffer, BlockingQueue::size)
			.description("notifications waiting for the writer").register(registry);
		Gauge.builder("sync.listener.connected", () -> connected.getAsBoolean() ? 1 : 0)
			.description("1 while subscribed").register(registry);
		Gauge.builder("sync.listener.writer.failing", () -> writer.failing() ? 1 : 0)
			.description("1 while the staging writer's last attempt failed").register(registry);
	}
}
