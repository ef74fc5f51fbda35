package io.couponsync.jobs.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.couponsync.chain.rpc.RpcCallObserver;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.jobs.RpcProxy;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.Commitment;

/** verify's walk of the finalized history through a provider that caps signature pages. */
class TransactionAuditTest {

	private SolanaSimulator simulator;

	private RpcProxy provider;

	private MongoServer server;

	private MongoClient mongo;

	@BeforeEach
	void start() {
		simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(SolanaSimulator.bundledIdl()));
		provider = RpcProxy.start(simulator.rpcUrl()).capSignaturePages(100);
		server = new MongoServer(new MemoryBackend());
		mongo = MongoClients.create(server.bindAndGetConnectionString());
	}

	@AfterEach
	void stop() {
		mongo.close();
		server.shutdownNow();
		provider.close();
		simulator.close();
	}

	@Test
	void judgesEveryFinalizedSignatureWhenPagesComeShort() {
		for (int slot = 0; slot < 30; slot++) {
			simulator.runWorkload(10);
			simulator.advanceSlots(1);
		}
		simulator.advanceSlots(40);
		long finalized = simulator.ledger().slot(Commitment.FINALIZED);
		SolanaRpcClient rpc = new SolanaRpcClient(SolanaRpcClient.Options.defaults(URI.create(provider.url())),
				RpcCallObserver.NONE);
		AuditReport report = new AuditReport(5);

		new TransactionAudit(mongo.getDatabase("coupon_sync"),
				new MongoStagingRepository(mongo.getDatabase("coupon_sync")), rpc, simulator.programId()).audit(0, finalized, report);

		assertThat(report.figure("transactions: finalized on chain")).isEqualTo(simulator.ledger().transactionCount());
		assertThat(report.count(AuditReport.Finding.MISSING_TRANSACTION)).as("nothing staged")
			.isEqualTo(simulator.ledger().transactionCount());
	}
}
