package io.couponsync.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import io.couponsync.chain.staging.MongoCoverageRepository;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.platform.mongo.StagingConfiguration;

/**
 * Staging and coverage (listener checkpoints, gaps and heartbeats, the crawl checkpoint) are reached only through
 * their ports, {@code StagingRepository} and {@code CoverageRepository}: outside the staging repository's package
 * no main class of the modules on this classpath (chain, platform, listener, simulator, jobs) names their MongoDB
 * implementations — but the platform's one bean definition — or their collections.
 */
class StorageAccessTest {

	private static final String STAGING_PACKAGE = "io.couponsync.chain.staging";

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.couponsync");

	/** The collections behind the two ports. */
	private static final List<String> COLLECTIONS = List.of("staged_transactions", "listener_gaps",
			"listener_checkpoints", "listener_heartbeats", "backfill_checkpoints");

	@Test
	void onlyTheBeanDefinitionNamesTheMongoImplementations() {
		noClasses().that().resideOutsideOfPackage(STAGING_PACKAGE)
			.and().doNotHaveFullyQualifiedName(StagingConfiguration.class.getName())
			.should().dependOnClassesThat().haveFullyQualifiedName(MongoStagingRepository.class.getName())
			.orShould().dependOnClassesThat().haveFullyQualifiedName(MongoCoverageRepository.class.getName())
			.check(CLASSES);
	}

	@Test
	void noClassOutsideTheStagingPackageNamesTheirCollections() {
		noClasses().that().resideOutsideOfPackage(STAGING_PACKAGE).should(nameAnyOf(COLLECTIONS)).check(CLASSES);
	}

	/**
	 * Names one of these strings in its code. why bytes: javac inlines string constants, so neither a literal nor a
	 * constant borrowed from another class shows as a dependency; both end up in the class file's constant pool,
	 * which holds them as (modified) UTF-8 — for these ASCII names, their plain bytes.
	 */
	private static ArchCondition<JavaClass> nameAnyOf(List<String> names) {
		return new ArchCondition<>("name any of " + names) {
			@Override
			public void check(JavaClass javaClass, ConditionEvents events) {
				String constants = classFile(javaClass);
				for (String name : names) {
					if (constants.contains(name)) {
						events.add(SimpleConditionEvent.satisfied(javaClass,
								javaClass.getName() + " names the collection " + name));
					}
				}
			}
		};
	}

	private static String classFile(JavaClass javaClass) {
		var source = javaClass.getSource()
			.orElseThrow(() -> new IllegalStateException("no class file for " + javaClass.getName()));
		try (InputStream in = source.getUri().toURL().openStream()) {
			return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
