package io.couponsync.platform.mongo;

import com.mongodb.ConnectionString;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.couponsync.platform.config.InvalidConfigurationException;
import io.couponsync.platform.config.MongoStoreProperties;

/**
 * Points Spring Boot's MongoDB client at {@code sync.mongodb.uri}, or, when it is blank, at an embedded server
 * started here, so the platform runs with nothing installed.
 */
@Configuration(proxyBeanMethods = false)
public class MongoStoreConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EmbeddedMongoServerHolder embeddedMongoServer(MongoStoreProperties properties) {
		if (!properties.useEmbedded()) {
			return new EmbeddedMongoServerHolder(null);
		}
		MongoStoreProperties.Embedded embedded = properties.embedded();
		try {
			return new EmbeddedMongoServerHolder(
					new EmbeddedMongoServer(embedded.host(), embedded.port(), embedded.dataFile()));
		}
		catch (RuntimeException ex) {
			throw new InvalidConfigurationException("sync.mongodb.embedded", embedded.host() + ":" + embedded.port()
					+ (embedded.file() == null ? "" : " file " + embedded.file()),
					"the embedded MongoDB server cannot start: " + rootMessage(ex), ex);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	MongoConnectionDetails mongoConnectionDetails(MongoStoreProperties properties, EmbeddedMongoServerHolder embedded) {
		ConnectionString connectionString = embedded.server() != null
				? new ConnectionString(embedded.server().connectionString(properties.database()))
				: external(properties);
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

	/** The embedded server when one runs; a holder so the bean exists in both modes. */
	public record EmbeddedMongoServerHolder(EmbeddedMongoServer server) implements AutoCloseable {

		@Override
		public void close() {
			if (server != null) {
				server.close();
			}
		}
	}
}
