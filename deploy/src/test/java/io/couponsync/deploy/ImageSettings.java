package io.couponsync.deploy;

import java.nio.file.Path;

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

	private static String text(Element element, String child) {
		NodeList children = element.getElementsByTagName(child);
		return children.getLength() == 0 ? "" : children.item(0).getTextContent().strip();
	}
}
