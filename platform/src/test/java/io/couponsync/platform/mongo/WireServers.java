package io.couponsync.platform.mongo;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import org.bson.Document;

/** MongoDB-wire servers of given backends on loopback, each with a client of its own; closed together. */
final class WireServers implements AutoCloseable {

	private final List<MongoServer> servers = new ArrayList<>();

	private final List<MongoClient> clients = new ArrayList<>();

	/** The collection {@code test.documents} of a new server of this backend. */
	MongoCollection<Document> collection(MongoBackend backend) {
		MongoServer server = new MongoServer(backend);
		InetSocketAddress address = server.bind();
		servers.add(server);
		MongoClient client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
		clients.add(client);
		return client.getDatabase("test").getCollection("documents");
	}

	/** Closes every client and server so far; new ones can be started after. */
	@Override
	public void close() {
		clients.forEach(MongoClient::close);
		servers.forEach(MongoServer::shutdownNow);
		clients.clear();
		servers.clear();
	}
}
