"""Rock-paper-scissors, pure: rules, the countdown state machine, and the computer's strategies.

No cv2, no model: the game is driven by stream time and keys, and asks a `classify()` callable for the
player's hand only at "shoot". The computer's move is committed when the countdown starts, from the
history of finished rounds alone, so it can never react to the hand it is about to see.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

MOVES = ("rock", "paper", "scissors")  # also the label order of the RPS models
NONE = "none"  # the player's move when no hand was seen at "shoot": the round is void (no score)
BEATS = {"rock": "scissors", "paper": "rock", "scissors": "paper"}  # key beats value
COUNTER = {loser: winner for winner, loser in BEATS.items()}  # the move that beats the key

TICK = 0.7  # seconds per countdown step (3, 2, 1), as in the original demo
RESULT_SECONDS = 1.0  # how long a result stays before --auto starts the next round
ROUND_SECONDS = 3 * TICK + RESULT_SECONDS  # one automatic round, start to start
SHOOT_AFTER = 3 * TICK  # from the start of a round to the moment the hand is read

GUIDE_FRACTION = 0.6  # the guide box: a centred square, this fraction of the frame's shorter side

HELP = ["space: play a round", "r: reset the score", "h: hide this help", "q / Esc: quit"]


def winner(human: str, computer: str) -> str:
    """'human', 'computer' or 'draw'."""
    if human not in BEATS or computer not in BEATS:
        raise ValueError(f"unknown move: {human!r} or {computer!r}")
    if human == computer:
        return "draw"
    return "human" if BEATS[human] == computer else "computer"


def guide_box(width: int, height: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the square the player holds the hand in; its content is what the model sees."""
    side = int(round(GUIDE_FRACTION * min(width, height)))
    x0, y0 = (width - side) // 2, (height - side) // 2
    return x0, y0, x0 + side, y0 + side


@dataclass
class Round:
    number: int
    human: str
    computer: str
    winner: str
    probabilities: dict[str, float]
    t: float

    def record(self, score: Score) -> dict:
        return {"round": self.number, "human": self.human, "computer": self.computer, "winner": self.winner,
                "confidence": round(self.probabilities[self.human], 4),
                "probabilities": {k: round(v, 4) for k, v in self.probabilities.items()},
                "score": score.as_dict(), "t": round(self.t, 3)}


@dataclass
class Score:
    human: int = 0
    computer: int = 0
    draws: int = 0

    def add(self, result: str) -> None:
        if result == "human":
            self.human += 1
        elif result == "computer":
            self.computer += 1
        else:
            self.draws += 1

    def as_dict(self) -> dict:
        return {"human": self.human, "computer": self.computer, "draws": self.draws}

    def __str__(self) -> str:
        return f"you {self.human} : {self.computer} computer, {self.draws} draw{'s' if self.draws != 1 else ''}"


# Opponents ---------------------------------------------------------------------------------------
class RandomOpponent:
    """Uniformly random: nobody can do better than a third of wins against it in the long run."""

    name = "random"

    def __init__(self, seed: int | None = None):
        self.rng = np.random.default_rng(seed)

    def choose(self, history: list[Round]) -> str:
        return MOVES[int(self.rng.integers(3))]


class AdaptiveOpponent:
    """Learns the player's habits from the round history and plays the counter of the predicted move.

    Several predictors of the player's next move compete, each scored on how often it was right so far
    (recent rounds weigh more): overall frequency, the move after the player's last move, the move after the
    player's last two moves, and the reaction to the last outcome (win-stay / lose-shift habits). The best one
    predicts; until the history says anything, and with a small probability always, it plays at random so it
    cannot be exploited by a player who learns it back.
    """

    name = "adaptive"

    def __init__(self, seed: int | None = None, decay: float = 0.9, explore: float = 0.05):
        self.rng = np.random.default_rng(seed)
        self.decay, self.explore = decay, explore

    @staticmethod
    def _predictors(history: list[Round]) -> dict[str, str | None]:
        """Each predictor's guess of the player's next move from this history (None: no evidence yet)."""
        moves = [r.human for r in history]

        def most_common(counter: Counter) -> str | None:
            if not counter:
                return None
            best = max(counter.values())
            return next(m for m in MOVES if counter.get(m) == best)  # fixed tie order: deterministic

        guesses = {"frequency": most_common(Counter(moves))}
        for order in (1, 2):
            follow = defaultdict(Counter)
            for i in range(order, len(moves)):
                follow[tuple(moves[i - order:i])][moves[i]] += 1
            key = tuple(moves[-order:]) if len(moves) >= order else None
            guesses[f"after last {order}"] = most_common(follow[key]) if key in follow else None
        reaction = defaultdict(Counter)  # (outcome for the player, how the player changed) → count
        for prev, cur in zip(history, history[1:]):
            reaction[prev.winner][_shift(prev.human, cur.human)] += 1
        if history and reaction[history[-1].winner]:
            shift = reaction[history[-1].winner].most_common(1)[0][0]
            guesses["after outcome"] = _apply_shift(history[-1].human, shift)
        else:
            guesses["after outcome"] = None
        return guesses

    def scores(self, history: list[Round]) -> dict[str, float]:
        """How well each predictor would have done on the history (decayed count of right guesses)."""
        totals: dict[str, float] = defaultdict(float)
        for i in range(1, len(history)):
            for name, guess in self._predictors(history[:i]).items():
                totals[name] = self.decay * totals[name] + (1.0 if guess == history[i].human else 0.0)
        return dict(totals)

    def predict(self, history: list[Round]) -> str | None:
        guesses = {k: v for k, v in self._predictors(history).items() if v is not None}
        if not guesses:
            return None
        scores = self.scores(history)
        return guesses[max(guesses, key=lambda name: (scores.get(name, 0.0), -list(guesses).index(name)))]

    def choose(self, history: list[Round]) -> str:
        guess = self.predict(history[-60:])  # habits drift: the recent past is enough, and keeps it fast
        if guess is None or self.rng.random() < self.explore:
            return MOVES[int(self.rng.integers(3))]
        return COUNTER[guess]


def _shift(before: str, after: str) -> int:
    return (MOVES.index(after) - MOVES.index(before)) % 3


def _apply_shift(move: str, shift: int) -> str:
    return MOVES[(MOVES.index(move) + shift) % 3]


OPPONENTS = {"random": RandomOpponent, "adaptive": AdaptiveOpponent}


def make_opponent(name: str, seed: int | None = None):
    if name not in OPPONENTS:
        from mlplay.errors import MlplayError

        raise MlplayError(f"unknown opponent '{name}'", "choose random or adaptive")
    return OPPONENTS[name](seed)


# The state machine -------------------------------------------------------------------------------
@dataclass
class Game:
    """idle → (space or --auto) countdown 3-2-1 → shoot: read the hand, score → result → …"""

    opponent: object
    auto: bool = False
    tick: float = TICK
    result_seconds: float = RESULT_SECONDS
    max_rounds: int | None = None  # --rounds: stop after this many (running becomes False)
    phase: str = "idle"  # idle | countdown | result
    started: float = 0.0
    computer: str | None = None  # committed at the start of the countdown
    history: list[Round] = field(default_factory=list)
    score: Score = field(default_factory=Score)
    show_help: bool = True
    running: bool = True
    last: Round | None = None
    result_at: float = 0.0
    next_auto: float | None = None

    def start(self, t: float) -> bool:
        """Begin a round now; the computer commits to its move before any hand is seen."""
        if self.phase == "countdown" or not self.running:
            return False
        self.computer = self.opponent.choose([r for r in self.history if r.human != NONE])
        self.phase, self.started = "countdown", t
        return True

    def countdown(self, t: float) -> int | None:
        """3, 2 or 1 while counting down, else None."""
        if self.phase != "countdown":
            return None
        return max(1, 3 - int((t - self.started) / self.tick))

    def update(self, t: float, classify) -> Round | None:
        """Advance to stream time t; at "shoot" call classify() → {move: probability} (a `none` entry: no hand);
        return a finished round."""
        if self.phase in ("idle", "result") and self.auto and self.running:
            # --auto keeps a fixed beat (a round every ROUND_SECONDS of stream time), whatever the frame rate
            due = t if self.next_auto is None else self.next_auto
            if t >= due and self.start(t):
                self.started = due if t - due < self.tick else t
                self.next_auto = self.started + 3 * self.tick + self.result_seconds
        if self.phase != "countdown" or t - self.started < 3 * self.tick:
            return None
        probabilities = {m: float(p) for m, p in classify().items()}
        human = max((*MOVES, NONE), key=lambda m: probabilities.get(m, 0.0))
        verdict = NONE if human == NONE else winner(human, self.computer)
        result = Round(len(self.history) + 1, human, self.computer, verdict, probabilities, t)
        self.history.append(result)
        if verdict != NONE:
            self.score.add(verdict)
        self.last, self.phase, self.result_at, self.computer = result, "result", t, None
        if self.max_rounds is not None and len(self.history) >= self.max_rounds:
            self.running = False
        return result

    def key(self, name: str, t: float) -> None:
        if name in ("space", " ", "enter"):
            self.start(t)
        elif name == "r":
            self.reset()
        elif name == "h":
            self.show_help = not self.show_help

    def reset(self) -> None:
        """New score and a new history (the adaptive opponent forgets too); a running countdown is cancelled."""
        self.history.clear()
        self.score = Score()
        self.phase, self.computer, self.last, self.next_auto = "idle", None, None, None
