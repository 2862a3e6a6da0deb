package io.midigpt.tokenizer;

/**
 * One token type's slice of the vocabulary: ids {@code offset .. offset+size-1}.
 *
 * @param type canonical token type name (e.g. "NoteOnset")
 * @param typeId the reference's token type enum value
 * @param offset id of value 0
 * @param size number of values
 */
public record TokenDomain(String type, int typeId, int offset, int size) {
  public boolean contains(int tokenId) {
    return tokenId >= offset && tokenId < offset + size;
  }
}
