package io.couponsync.platform.mongo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import org.springframework.util.unit.DataSize;

/**
 * The embedded default: a MongoDB-wire server on loopback, backed by an H2 file so data survives a restart. The
 * application talks to it through the ordinary MongoDB driver, exactly as to a real server.
 */
public final class EmbeddedMongoServer implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedMongoServer.class);

	/** As {@code sync.mongodb.embedded.file-cache} defaults. */
	public static final DataSize DEFAULT_FILE_CACHE = DataSize.ofMegabytes(128);

	private final MongoServer server;

	private final InetSocketAddress address;

	private final CollectionScans scans = new CollectionScans();

	/** Its H2 file, if any, with {@link #DEFAULT_FILE_CACHE} of it kept in memory. */
	public EmbeddedMongoServer(String host, int port, Path file) {
		this(host, port, file, DEFAULT_FILE_CACHE);
	}

	public EmbeddedMongoServer(String host, int port, Path file, DataSize fileCache) {
		MongoBackend backend;
		if (file == null || file.toString().isBlank()) {
			backend = EmbeddedBackends.inMemory(scans);
		}
		else {
			createParent(file);
			backend = EmbeddedBackends.inFile(file.toString(), fileCache);
		}
		this.server = new MongoServer(backend);
		server.bind(host, port);
		this.address = server.getLocalAddress();
		log.info("Embedded MongoDB-wire server listening on {}:{} ({})", address.getHostString(), address.getPort(),
				file == null ? "in memory" : "data in " + file.toAbsolutePath());
	}

	private static void createParent(Path file) {
		Path parent = file.toAbsolutePath().getParent();
		try {
			Files.createDirectories(parent);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create " + parent + " for the embedded MongoDB file", ex);
		}
	}

	/** The queries answered by reading a whole collection (counted in memory only; none for a file). */
	public CollectionScans scans() {
		return scans;
	}

	public int port() {
		return address.getPort();
	}

	public String connectionString(String database) {
		return "mongodb://" + address.getHostString() + ":" + address.getPort() + "/" + database;
	}

	@Override
	public void close() {
		server.shutdown();
	}
}
