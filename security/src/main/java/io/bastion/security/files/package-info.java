/**
 * Owner-only files and folders: creation without a window of wider modes, atomic no-replace publication, and typed
 * checks before a file is opened for mapping ({@link io.bastion.security.files.OwnerOnlyFiles}), under an owner-only
 * or explicit group-sharing {@link io.bastion.security.files.FilePolicy}.
 */
package io.bastion.security.files;
