package io.couponsync.platform.mongo;

import com.mongodb.ConnectionString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.couponsync.platform.config.InvalidConfigurationException;
import io.couponsync.platform.config.MongoStoreProperties;

/**
 * Points Spring Boot's MongoDB client at {@code sync.mongodb.uri}, or, when it is blank, at an embedded server
 * started here, so the platform runs with nothing installed — or, for a command started while the application runs
 * ({@code sync.mongodb.embedded.reuse-running}), at the embedded server that application started.
 */
@Configuration(proxyBeanMethods = false)
public class MongoStoreConfiguration {

	private static final Logger log = LoggerFactory.getLogger(MongoStoreConfiguration.class);

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EmbeddedMongoServerHolder embeddedMongoServer(MongoStoreProperties properties) {
		if (!properties.useEmbedded()) {
			return new EmbeddedMongoServerHolder(null, null);
		}
		MongoStoreProperties.Embedded embedded = properties.embedded();
		if (embedded.reuseRunning() && embedded.port() != 0
				&& RunningMongoServer.answers(embedded.host(), embedded.port())) {
			log.info("Using the MongoDB server already running on {}:{} (the application's embedded server, in "
					+ "another process) instead of starting one", embedded.host(), embedded.port());
			return new EmbeddedMongoServerHolder(null, "mongodb://" + embedded.host() + ":" + embedded.port() + "/"
					+ properties.database());
		}
		try {
			return new EmbeddedMongoServerHolder(
					new EmbeddedMongoServer(embedded.host(), embedded.port(), embedded.dataFile(),
							embedded.fileCache()), null);
		}
		catch (Exception ex) {
			// why: Exception, not RuntimeException: Netty throws its java.net.BindException undeclared
			String problem = "the embedded MongoDB server cannot start: " + rootMessage(ex);
			if (embedded.port() != 0 && RunningMongoServer.answers(embedded.host(), embedded.port())) {
				problem += " (a MongoDB server already runs there: is the application running already?)";
			}
			throw new InvalidConfigurationException("sync.mongodb.embedded", embedded.host() + ":" + embedded.port()
					+ (embedded.dataFile() == null ? "" : " file " + embedded.file()), problem, ex);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	MongoConnectionDetails mongoConnectionDetails(MongoStoreProperties properties, EmbeddedMongoServerHolder embedded) {
		ConnectionString connectionString = embedded.server() != null
				? new ConnectionString(embedded.server().connectionString(properties.database()))
				: embedded.attached() ? new ConnectionString(embedded.runningElsewhere()) : external(properties);
		return () -> connectionString;
	}

	private static ConnectionString external(MongoStoreProperties properties) {
		try {
			ConnectionString given = new ConnectionString(properties.uri());
			if (given.getDatabase() != null) {
				return given;
			}
			// why: the read model needs a database name; take sync.mongodb.database when the URI has none
			String uri = properties.uri();
			int query = uri.indexOf('?');
			String hosts = query >= 0 ? uri.substring(0, query) : uri;
			String options = query >= 0 ? uri.substring(query) : "";
			String separator = hosts.endsWith("/") ? "" : "/";
			return new ConnectionString(hosts + separator + properties.database() + options);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationException("sync.mongodb.uri", redact(properties.uri()),
					"not a MongoDB connection string: " + ex.getMessage(), ex);
		}
	}

	private static String redact(String uri) {
		return uri.replaceAll("//[^@/]*@", "//***@");
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root.getMessage();
	}

	/**
	 * The embedded server when this process runs one; or, when it found one running in another process (see
	 * {@code sync.mongodb.embedded.reuse-running}), that server's connection string. A holder so the bean exists in
	 * every mode.
	 */
	public record EmbeddedMongoServerHolder(EmbeddedMongoServer server, String runningElsewhere)
			implements AutoCloseable {

		/** True when this process uses the embedded server of another process: that process is alive. */
		public boolean attached() {
			return runningElsewhere != null;
		}

		@Override
		public void close() {
			if (server != null) {
				server.close();
			}
		}
	}
}
