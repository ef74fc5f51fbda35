package io.couponsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * {@link Kustomization}, which the manifest checks render with, against kustomize itself where kubectl (which
 * embeds it) is installed: both make the same objects of every overlay, generated ones named alike but for
 * kustomize's hash suffix.
 */
class KustomizeParityTest {

	static Stream<Path> overlays() throws IOException {
		return KubernetesManifestsTest.overlays();
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void kustomizeBuildsTheSameObjects(Path overlay) throws Exception {
		assumeTrue(kubectlRuns(), "kubectl is not installed");
		Process build = new ProcessBuilder("kubectl", "kustomize", "--load-restrictor=LoadRestrictionsNone",
				overlay.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		byte[] output = build.getInputStream().readAllBytes();
		assertThat(build.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(build.exitValue()).as("kubectl kustomize " + overlay).isZero();
		List<HasMetadata> built = new KubernetesSerialization().unmarshal(new ByteArrayInputStream(output));
		assertThat(identities(built)).isEqualTo(identities(Kustomization.render(overlay).resources()));
	}

	/**
	 * Kind and name of each object (a generated one's without kustomize's hash suffix), and the image of each of its
	 * containers.
	 */
	private static Set<String> identities(List<HasMetadata> objects) {
		Set<String> identities = new TreeSet<>();
		for (HasMetadata object : objects) {
			String name = object.getMetadata().getName();
			if (object instanceof ConfigMap || object instanceof Secret) {
				name = name.replaceFirst("-[a-z0-9]{10}$", "");
			}
			identities.add(object.getKind() + "/" + name);
			for (Container container : Workload.containers(object)) {
				identities.add(object.getKind() + "/" + name + "/" + container.getName() + "=" + container.getImage());
			}
		}
		return identities;
	}

	private static boolean kubectlRuns() {
		try {
			Process version = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
			version.getInputStream().readAllBytes();
			return version.waitFor(30, TimeUnit.SECONDS) && version.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}
}
