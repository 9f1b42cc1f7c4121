package io.bastion.bench.latency;

import java.util.List;

/**
 * What the pinger's process holds for one case while it runs: the transport's shared parts (files, a broker, a media
 * driver), its own {@link Duplex}, and what the ponger needs to attach to the same transport.
 */
interface CaseTransport extends AutoCloseable
{
    /**
     * The pinger's side.
     *
     * @return the duplex that sends pings and receives echoes.
     */
    Duplex pinger();

    /**
     * The ponger's command-line arguments after the case name: names of files and folders, nothing secret.
     *
     * @return the arguments; none unless the case overrides this.
     */
    default List<String> pongerArgs()
    {
        return List.of();
    }

    /**
     * Lines the ponger reads first from its stdin, for what must not appear on a command line (a capability token).
     *
     * @return the lines; none unless the case overrides this.
     */
    default List<String> pongerSecrets()
    {
        return List.of();
    }

    /**
     * Close the pinger's side and stop what the transport started; idempotent.
     */
    @Override
    void close();
}
