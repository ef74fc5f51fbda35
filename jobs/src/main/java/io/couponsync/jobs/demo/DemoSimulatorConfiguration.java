package io.couponsync.jobs.demo;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlLoader;
import io.couponsync.platform.config.ProgramProperties;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.Ledger;

/**
 * The {@code demo} profile: a Solana simulator in this process generating marketplace traffic for the configured
 * program, so the platform can be watched end to end with no network at all.
 */
@Configuration(proxyBeanMethods = false)
@Profile("demo")
@EnableConfigurationProperties(DemoProperties.class)
public class DemoSimulatorConfiguration {

	@Bean(destroyMethod = "close")
	SolanaSimulator demoSimulator(DemoProperties demo, ProgramProperties program) {
		Idl idl = IdlLoader.load(program.idlFiles().get(0));
		Ledger.Config ledger = new Ledger.Config(Math.min(1, demo.finalitySlots()), demo.finalitySlots(), 300,
				System.currentTimeMillis() / 1000, demo.slotMillis());
		return SolanaSimulator.start(SolanaSimulator.Settings.manual(idl)
			.withProgramId(program.id())
			.withSeed(demo.seed())
			.withPorts(demo.rpcPort(), demo.wsPort())
			.withLedger(ledger)
			.withClock(demo.slotMillis(), demo.transactionsPerSecond()));
	}
}
