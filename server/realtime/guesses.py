"""A brake on guessing ticket tokens on the /ticket namespace, as on the status page and the API: the
address's unknown tokens are counted by the app's rate limits (web_common/rate_limits: Flask-Limiter's storage,
Redis when configured, so the count holds across processes). A known token is always let in."""

from __future__ import annotations

from contextlib import suppress

from waitwell.web_common.rate_limits import LimitReached, count_token_guess, token_guesses_used_up


class TokenGuesses:
    """The /ticket namespace's view of the unknown-token count per client address."""

    def blocked(self, address: str) -> bool:
        """Whether this address has used up its unknown tokens for now."""
        return token_guesses_used_up(address)

    def missed(self, address: str) -> None:
        """Count an unknown token (one over the limit is refused by the caller, as `blocked` tells)."""
        with suppress(LimitReached):
            count_token_guess(address)
