package io.couponsync.jobs.verify;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.MongoDatabaseFactory;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.jobs.accountstate.CountersAtRead;
import io.couponsync.jobs.batch.JobsProperties;
import io.couponsync.jobs.launch.CommandContext;
import io.couponsync.jobs.launch.CommandFailure;
import io.couponsync.platform.config.ProgramProperties;

/**
 * {@code java -jar jobs.jar verify [fromSlot=N] [settleSlots=N] [listed=N] [--spring.property=value ...]}: checks,
 * reading only, that MongoDB equals the chain at {@code finalized} — staging against the program's finalized
 * signatures ({@link TransactionAudit}), the read model against its finalized accounts ({@link AccountAudit}) —
 * and prints what it checked and found. Exit code 0 when nothing fails, 1 when something does or it could not run
 * (one line on stderr says why), 2 for bad arguments. It starts no web server, listener or schedule.
 */
public final class VerifyCommand {

	private static final Set<String> OPTIONS = Set.of("fromSlot", "settleSlots", "listed");

	private VerifyCommand() {
	}

	public static int run(Class<?> configurationRoot, String[] args, PrintStream out, PrintStream err) {
		Map<String, Long> options = new HashMap<>();
		List<String> springArgs = new ArrayList<>();
		for (String arg : args) {
			if (arg.startsWith("--")) {
				springArgs.add(arg);
				continue;
			}
			String[] pair = arg.split("=", 2);
			if (pair.length != 2 || !OPTIONS.contains(pair[0]) || !pair[1].matches("\\d{1,18}")) {
				err.println("verify: '" + arg + "' is not one of fromSlot=<slot>, settleSlots=<slots>, "
						+ "listed=<count> (whole numbers)");
				return 2;
			}
			options.put(pair[0], Long.parseLong(pair[1]));
		}
		ConfigurableApplicationContext started;
		try {
			started = CommandContext.start(configurationRoot, springArgs);
		}
		catch (Exception ex) {
			err.println("verify: could not start: " + CommandFailure.describe(ex));
			return 1;
		}
		try (ConfigurableApplicationContext context = started) {
			var database = context.getBean(MongoDatabaseFactory.class).getMongoDatabase();
			SolanaRpcClient rpc = context.getBean(SolanaRpcClient.class);
			String programId = context.getBean(ProgramProperties.class).id();
			long fromSlot = options.getOrDefault("fromSlot", 0L);
			// why: the finality job settles a slot once the finalized slot is this far past it
			long settleSlots = options.getOrDefault("settleSlots",
					context.getBean(JobsProperties.class).finality().dropMarginSlots());
			AuditReport report = new AuditReport(options.getOrDefault("listed", 20L).intValue());
			out.println("verify: program " + programId + ", slots " + fromSlot + " to the finalized slot less "
					+ settleSlots);
			long throughSlot = rpc.getSlot("finalized") - settleSlots;
			report.count("through slot", throughSlot);
			new TransactionAudit(database, context.getBean(StagingRepository.class), rpc, programId).audit(fromSlot,
					throughSlot, report);
			new AccountAudit(database, rpc, context.getBean(ProgramDecoder.class), programId,
					context.getBean(CountersAtRead.class)).audit(throughSlot, report);
			report.print(out);
			return report.passed() ? 0 : 1;
		}
		catch (Exception ex) {
			err.println("verify: could not finish: " + CommandFailure.describe(ex));
			return 1;
		}
	}
}
