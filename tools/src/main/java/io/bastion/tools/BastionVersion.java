package io.bastion.tools;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version {@code bastion --version} prints, from the build (a filtered resource), with the JVM it runs on.
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
        };
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
