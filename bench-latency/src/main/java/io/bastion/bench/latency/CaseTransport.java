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
     * @return the arguments.
     */
    List<String> pongerArgs();

    /**
     * Lines the ponger reads first from its stdin, for what must not appear on a command line (a capability token).
     *
     * @return the lines, often none.
     */
    List<String> pongerSecrets();

    /**
     * Close the pinger's side and stop what the transport started; idempotent.
     */
    @Override
    void close();
}
