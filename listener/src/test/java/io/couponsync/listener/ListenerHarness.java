package io.couponsync.listener;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import org.bson.Document;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.couponsync.simulator.SolanaSimulator;

/**
 * A simulator, a MongoDB-wire server that outlives listener restarts, and listener applications started and
 * stopped at will against them.
 */
final class ListenerHarness implements AutoCloseable {

	final SolanaSimulator simulator;

	private final MongoServer mongo;

	private final String mongoUri;

	final MongoClient client;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	ListenerHarness() {
		this(SolanaSimulator.Settings.manual(SolanaSimulator.bundledIdl()));
	}

	ListenerHarness(SolanaSimulator.Settings settings) {
		simulator = SolanaSimulator.start(settings);
		mongo = new MongoServer(new MemoryBackend());
		mongoUri = mongo.bindAndGetConnectionString();
		client = MongoClients.create(mongoUri);
	}

	ConfigurableApplicationContext startListener(String... overrides) {
		Map<String, Object> properties = new HashMap<>();
		properties.put("sync.program.id", simulator.programId());
		properties.put("sync.program.idl", Path.of("..", "config", "idl", "discount_platform.json").toString());
		properties.put("sync.solana.rpc-url", simulator.rpcUrl());
		properties.put("sync.solana.ws-url", simulator.wsUrl());
		properties.put("sync.mongodb.uri", mongoUri + "/listener_test");
		properties.put("sync.listener.reconnect-min-delay", "50ms");
		properties.put("sync.listener.reconnect-max-delay", "400ms");
		// why: long enough that a loaded machine's pause is not taken for a dead connection; the test of silence
		// itself sets 1s
		properties.put("sync.listener.silence-timeout", "5s");
		properties.put("sync.listener.ping-interval", "1s");
		properties.put("server.port", "0");
		// why: the listener's web server refuses to start without an admin password
		properties.put("sync.security.admin.password", "listener-test-password");
		properties.put("spring.main.banner-mode", "off");
		for (String override : overrides) {
			String[] pair = override.split("=", 2);
			properties.put(pair[0], pair[1]);
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ListenerApplication.class)
			.properties(properties).run();
		contexts.add(context);
		return context;
	}

	/** Listeners started and not closed. */
	int runningListeners() {
		return (int) contexts.stream().filter(ConfigurableApplicationContext::isActive).count();
	}

	MongoCollection<Document> staged() {
		return client.getDatabase("listener_test").getCollection("staged_transactions");
	}

	MongoCollection<Document> gaps() {
		return client.getDatabase("listener_test").getCollection("listener_gaps");
	}

	@Override
	public void close() {
		contexts.forEach(ConfigurableApplicationContext::close);
		client.close();
		mongo.shutdownNow();
		simulator.close();
	}
}
