/**
 * Per-frame authenticated encryption with an AEAD from the JDK, for local channels whose threat model includes a
 * reader of memory pages (a core dump, a swap file, a same-user reader of a named ring file) and for the bridge
 * between hosts: {@link io.bastion.security.aead.FrameAead} encrypts or opens one frame in place under one key, with
 * the nonce made from the key id and the frame's sequence and never reused.
 * <p>
 * No channel knowledge lives here: callers say which bytes are associated data, which are the text and where the tag
 * goes.
 */
package io.bastion.security.aead;
