package io.couponsync.jobs;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The jobs module's packages, the root (the configuration root and the entry point) among them, depend on each
 * other without a cycle: the commands are handed the configuration root rather than naming it.
 */
class PackageDependenciesTest {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.couponsync.jobs");

	/** One slice per package, so that the root package is one too (a pattern slice would leave it out). */
	private static final SliceAssignment EACH_PACKAGE = new SliceAssignment() {

		@Override
		public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
			return javaClass.getPackageName().startsWith("io.couponsync.jobs")
					? SliceIdentifier.of(javaClass.getPackageName()) : SliceIdentifier.ignore();
		}

		@Override
		public String getDescription() {
			return "the packages of the jobs module";
		}
	};

	@Test
	void packagesAreFreeOfCycles() {
		slices().assignedFrom(EACH_PACKAGE).should().beFreeOfCycles().check(CLASSES);
	}
}
