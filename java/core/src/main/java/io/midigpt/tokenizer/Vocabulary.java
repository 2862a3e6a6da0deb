package io.midigpt.tokenizer;

import io.midigpt.InvalidTokensException;
import java.util.List;

/**
 * The token id layout of an encoder: domains in id order.
 *
 * @param size number of token ids
 * @param domains the token types with their id ranges
 */
public record Vocabulary(int size, List<TokenDomain> domains) {
  public Vocabulary {
    domains = List.copyOf(domains);
  }

  /** The domain holding {@code tokenId}. */
  public TokenDomain domainOf(int tokenId) {
    for (TokenDomain domain : domains) {
      if (domain.contains(tokenId)) {
        return domain;
      }
    }
    throw new InvalidTokensException(
        "token " + tokenId + " is outside the vocabulary (size " + size + ")");
  }

  /** A readable name such as "NoteOnset:60". */
  public String describe(int tokenId) {
    TokenDomain domain = domainOf(tokenId);
    return domain.type() + ":" + (tokenId - domain.offset());
  }
}
