package io.couponsync.platform.mongo;

import org.bson.Document;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.data.mongodb.MongoDatabaseFactory;

/**
 * MongoDB health by the {@code ping} command, which every MongoDB server and the embedded MongoDB-wire server
 * answer (Boot's own indicator sends {@code hello}, which the embedded server does not know).
 */
class MongoPingHealthIndicator extends AbstractHealthIndicator {

	private final MongoDatabaseFactory mongo;

	MongoPingHealthIndicator(MongoDatabaseFactory mongo) {
		super("MongoDB health check failed");
		this.mongo = mongo;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Document answer = mongo.getMongoDatabase().runCommand(new Document("ping", 1));
		builder.up().withDetail("database", mongo.getMongoDatabase().getName()).withDetail("ping", answer.get("ok"));
	}
}
