package io.couponsync.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** How the Maven build lays out the images (the jib-maven-plugin configuration in the parent pom). */
final class ImageSettings {

	private ImageSettings() {
	}

	/** The container's working directory: the one holding config/. */
	static String workingDirectory(Path parentPom) {
		try {
			NodeList plugins = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(parentPom.toFile())
				.getElementsByTagName("plugin");
			for (int i = 0; i < plugins.getLength(); i++) {
				Element plugin = (Element) plugins.item(i);
				NodeList workingDirectory = plugin.getElementsByTagName("workingDirectory");
				if (text(plugin, "artifactId").equals("jib-maven-plugin") && workingDirectory.getLength() > 0) {
					return workingDirectory.item(0).getTextContent().strip();
				}
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("cannot read " + parentPom, ex);
		}
		throw new IllegalStateException(parentPom + " configures no jib working directory");
	}

	/** The share of a container's memory limit the image's JVM takes as its maximum heap, in per cent. */
	static double maxRamPercentage(Path parentPom) {
		for (String flag : jvmFlags(parentPom)) {
			if (flag.startsWith(MAX_RAM_PERCENTAGE)) {
				return Double.parseDouble(flag.substring(MAX_RAM_PERCENTAGE.length()));
			}
		}
		// why: the JVM's own default
		return 25;
	}

	private static final String MAX_RAM_PERCENTAGE = "-XX:MaxRAMPercentage=";

	private static List<String> jvmFlags(Path parentPom) {
		try {
			NodeList flags = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(parentPom.toFile())
				.getElementsByTagName("jvmFlag");
			List<String> all = new ArrayList<>();
			for (int i = 0; i < flags.getLength(); i++) {
				all.add(flags.item(i).getTextContent().strip());
			}
			return all;
		}
		catch (Exception ex) {
			throw new IllegalStateException("cannot read " + parentPom, ex);
		}
	}

	private static String text(Element element, String child) {
		NodeList children = element.getElementsByTagName(child);
		return children.getLength() == 0 ? "" : children.item(0).getTextContent().strip();
	}
}
