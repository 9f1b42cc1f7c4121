package io.bastion.tools;

import io.bastion.security.mac.HmacImplementation;
import io.bastion.security.mac.HmacSha256;
import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version {@code bastion --version} prints, from the build (a filtered resource), with the JVM it runs on and
 * the HMAC-SHA256 implementation that JVM chose (the fast {@code jdk-state}, or a fallback and why).
 */
final class BastionVersion implements IVersionProvider
{
    private static final String RESOURCE = "version.properties";

    /**
     * {@inheritDoc}
     */
    @Override
    public String[] getVersion()
    {
        return new String[]
        {
            "bastion " + version(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
            "HMAC-SHA256 " + hmac(),
        };
    }

    /**
     * The HMAC-SHA256 implementation in use, and why the fast one is not, if it is not.
     *
     * @return e.g. {@code jdk-state}, or {@code pure-java (jdk-state unavailable: ...)}.
     */
    static String hmac()
    {
        final HmacImplementation implementation = HmacSha256.implementation();
        final String reason = HmacImplementation.JDK_STATE.unavailableReason();
        return reason.isEmpty() ? implementation.id() :
            implementation.id() + " (" + HmacImplementation.JDK_STATE.id() + " unavailable: " + reason + ")";
    }

    /**
     * The project version the command was built as.
     *
     * @return the version, or {@code unknown} if the build did not record it.
     */
    static String version()
    {
        try (InputStream in = BastionVersion.class.getResourceAsStream(RESOURCE))
        {
            if (null == in)
            {
                return "unknown";
            }
            final Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        }
        catch (final IOException ex)
        {
            return "unknown";
        }
    }
}
