package io.couponsync.platform.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlException;
import io.couponsync.chain.idl.IdlLoader;

/** Loads the program's IDL files at start-up, so a bad file stops the process with a clear message. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ ProgramProperties.class, SolanaProperties.class, MongoStoreProperties.class })
public class ProgramConfiguration {

	private static final Logger log = LoggerFactory.getLogger(ProgramConfiguration.class);

	@Bean
	ProgramDecoder programDecoder(ProgramProperties program) {
		List<Idl> idls = new ArrayList<>();
		for (Path file : program.idlFiles()) {
			try {
				Idl idl = IdlLoader.load(file.toAbsolutePath());
				if (idl.address() != null && !idl.address().equals(program.id())) {
					log.warn("IDL {} describes program {}, but sync.program.id is {}: decoding {} with it", file,
							idl.address(), program.id(), program.id());
				}
				log.info("Loaded IDL {}: {} events, {} accounts", file, idl.events().size(), idl.accounts().size());
				idls.add(idl);
			}
			catch (IdlException ex) {
				throw new InvalidConfigurationException("sync.program.idl", file.toString(), ex.getMessage(), ex);
			}
		}
		return ProgramDecoder.compile(idls);
	}
}
