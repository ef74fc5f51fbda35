package io.couponsync.jobs.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.rpc.RpcCallObserver;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.jobs.accountstate.AccountDecoding;
import io.couponsync.jobs.accountstate.CountersAtRead;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.readmodel.ChangeVersion;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.jobs.readmodel.ReadModelChanges.DocumentKey;
import io.couponsync.jobs.readmodel.ReadModelStore;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.Commitment;

/** verify's judgement of account fields, over JSON-RPC and the MongoDB wire protocol. */
class AccountAuditTest {

	private SolanaSimulator simulator;

	private MongoServer server;

	private MongoClient mongo;

	@BeforeEach
	void start() {
		simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(SolanaSimulator.bundledIdl()));
		server = new MongoServer(new MemoryBackend());
		mongo = MongoClients.create(server.bindAndGetConnectionString());
	}

	@AfterEach
	void stop() {
		mongo.close();
		server.shutdownNow();
		simulator.close();
	}

	/**
	 * A user's joinedAt that an event set later than the account's, on a document a fork's undo left waiting for its
	 * re-read at finalized, is not judged until that re-read is done; then it fails the audit.
	 */
	@Test
	void leavesAloneASetOnceFieldWaitingForItsReadAtFinalized() {
		for (int slot = 0; slot < 30; slot++) {
			simulator.runWorkload(10);
			simulator.advanceSlots(1);
		}
		simulator.advanceSlots(40);
		long finalized = simulator.ledger().slot(Commitment.FINALIZED);
		String user = simulator.groundTruth().accounts(Commitment.FINALIZED).values().stream()
			.filter(account -> account.type().equals("UserStats")).findFirst().orElseThrow().address();
		SolanaRpcClient rpc = new SolanaRpcClient(SolanaRpcClient.Options.defaults(URI.create(simulator.rpcUrl())),
				RpcCallObserver.NONE);
		ProgramDecoder decoder = ProgramDecoder.compile(SolanaSimulator.bundledIdl());
		BsonDocument account = new AccountDecoding(decoder, simulator.programId())
			.decode(rpc.readAccounts(List.of(user), "finalized", 0).get(0)).fields();
		long joinedAt = account.getInt64("joinedAt").getValue();
		BsonDocument document = account.clone().append("_id", new BsonString(user))
			.append("joinedAt", new BsonInt64(joinedAt + 60))
			.append("lastSlot", new BsonInt64(finalized - 5))
			.append("commitment", new BsonString("finalized"))
			.append(ReadModelStore.VERSIONS, new BsonDocument("joinedAt",
					new BsonString(new ChangeVersion(finalized - 5, 0, "later-event", 0).key())));
		MongoDatabase database = mongo.getDatabase("coupon_sync");
		database.getCollection(Projections.USER_STATS, BsonDocument.class).insertOne(document);
		ReadModelStore store = new ReadModelStore(database);
		store.rereadSetOnceWhenFinalized(List.of(new DocumentKey(Projections.USER_STATS, user)), finalized - 2);
		AccountAudit audit = new AccountAudit(database, rpc, decoder, simulator.programId(),
				new CountersAtRead(List.of(), new ChainEventLog(database), () -> false));

		AuditReport waiting = new AuditReport(5);
		audit.audit(0, waiting);

		assertThat(waiting.count(AuditReport.Finding.FIELD_DIFFERS)).isZero();
		assertThat(waiting.figure(
				"accounts: set-once fields a fork's undo took out, read again once final (not judged)")).isEqualTo(1);

		store.setOnceRereadsDone(List.of(finalized - 2));
		AuditReport reread = new AuditReport(5);
		audit.audit(0, reread);

		assertThat(reread.count(AuditReport.Finding.FIELD_DIFFERS)).isEqualTo(1);
		assertThat(reread.details(AuditReport.Finding.FIELD_DIFFERS))
			.containsExactly(Projections.USER_STATS + "/" + user + ".joinedAt: read model " + (joinedAt + 60)
					+ ", chain " + joinedAt);
	}
}
