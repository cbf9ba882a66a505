"""The pure rock-paper-scissors game: rules, the countdown state machine driven by scripted time and keys, and the
opponents (the adaptive one must beat a biased player clearly)."""

import numpy as np
import pytest

from mlplay.rps import game as rps
from mlplay.rps.game import MOVES, Game, winner


def sure(move):
    return lambda: {m: (0.9 if m == move else 0.05) for m in MOVES}


class Fixed:
    """An opponent that plays a script and records when it was asked."""

    name = "fixed"

    def __init__(self, moves):
        self.moves, self.asked = list(moves), []

    def choose(self, history):
        self.asked.append(len(history))
        return self.moves.pop(0)


@pytest.mark.parametrize("human, computer, result", [
    ("rock", "scissors", "human"), ("scissors", "paper", "human"), ("paper", "rock", "human"),
    ("scissors", "rock", "computer"), ("paper", "scissors", "computer"), ("rock", "paper", "computer"),
    ("rock", "rock", "draw"), ("paper", "paper", "draw"), ("scissors", "scissors", "draw"),
])
def test_rules(human, computer, result):
    assert winner(human, computer) == result
    assert rps.COUNTER[computer] != computer and winner(rps.COUNTER[computer], computer) == "human"


def test_unknown_move_is_refused():
    with pytest.raises(ValueError):
        winner("lizard", "rock")


def test_space_counts_down_3_2_1_and_reads_the_hand_only_at_shoot():
    calls = []

    def classify():
        calls.append(True)
        return {"rock": 0.1, "paper": 0.8, "scissors": 0.1}

    opponent = Fixed(["rock"])
    game = Game(opponent)
    assert game.update(5.0, classify) is None and game.phase == "idle"  # nothing happens without a key
    game.key("space", 10.0)
    assert game.computer == "rock" and opponent.asked == [0]  # committed before the countdown
    assert [game.countdown(10.0 + dt) for dt in (0.0, 0.69, 0.71, 1.39, 1.41, 2.09)] == [3, 3, 2, 2, 1, 1]
    for dt in (0.0, 0.7, 1.4, 2.09):
        assert game.update(10.0 + dt, classify) is None
    assert not calls
    result = game.update(10.0 + 2.1, classify)
    assert len(calls) == 1
    assert (result.human, result.computer, result.winner) == ("paper", "rock", "human")
    assert game.phase == "result" and game.countdown(12.2) is None
    assert (game.score.human, game.score.computer, game.score.draws) == (1, 0, 0)
    assert game.update(20.0, classify) is None and game.phase == "result"  # waits for the next space


def test_the_computer_never_sees_the_hand_it_plays_against():
    class Peeking:
        name = "peek"

        def __init__(self):
            self.seen = []

        def choose(self, history):
            self.seen.append([r.human for r in history])
            return "rock"

    opponent = Peeking()
    game = Game(opponent, auto=True)
    hands = iter(["paper", "scissors", "rock"])
    current = {"move": next(hands)}
    t = 0.0
    while len(game.history) < 3:
        if game.update(t, lambda: sure(current["move"])()):
            current["move"] = next(hands, "rock")
        t += 0.05
    assert opponent.seen[:3] == [[], ["paper"], ["paper", "scissors"]]


def test_score_reset_help_and_space_during_a_countdown():
    game = Game(Fixed(["rock", "paper", "scissors", "rock"]))
    game.key("space", 0.0)
    game.key("space", 0.5)  # ignored: a round is already counting down
    game.update(2.2, sure("rock"))
    game.key("space", 3.0)
    game.update(5.2, sure("rock"))
    game.key("space", 6.0)
    game.update(8.2, sure("rock"))
    assert (game.score.human, game.score.computer, game.score.draws) == (1, 1, 1)
    assert str(game.score) == "you 1 : 1 computer, 1 draw"
    assert game.show_help
    game.key("h", 9.0)
    assert not game.show_help
    game.key("r", 9.0)
    assert (game.score.human, game.score.computer, game.score.draws) == (0, 0, 0) and not game.history
    assert game.phase == "idle"


def test_auto_plays_rounds_back_to_back_and_stops_after_max_rounds():
    game = Game(rps.RandomOpponent(0), auto=True, max_rounds=3)
    shots, step = [], 0
    while game.running and step < 6000:
        result = game.update(step / 100, sure("scissors"))
        if result:
            shots.append(round(result.t, 2))
        step += 1
    assert shots == [2.1, round(2.1 + rps.ROUND_SECONDS, 2), round(2.1 + 2 * rps.ROUND_SECONDS, 2)]
    assert not game.running
    record = game.history[0].record(game.score)
    assert record["human"] == "scissors" and record["confidence"] == 0.9 and record["round"] == 1
    assert set(record["score"]) == {"human", "computer", "draws"}


def test_guide_box_is_a_centred_square():
    x0, y0, x1, y1 = rps.guide_box(640, 480)
    assert x1 - x0 == y1 - y0 == 288 and (x0 + x1) // 2 == 320 and (y0 + y1) // 2 == 240


def play(opponent, player, rounds=100, seed=0):
    rng = np.random.default_rng(seed)
    game = Game(opponent, auto=True)
    t = 0.0
    while len(game.history) < rounds:
        if game.phase == "countdown" and t - game.started >= rps.SHOOT_AFTER:
            move = player(game.history, rng)
            game.update(t, sure(move))
        else:
            game.update(t, sure("rock"))
        t += 0.1
    return game.score


def biased(history, rng):
    """Rock half the time, paper 30 %, scissors 20 %, independently each round."""
    return MOVES[rng.choice(3, p=[0.5, 0.3, 0.2])]


def creature_of_habit(history, rng):
    """Stays after a win, switches to what would have beaten its own move after a loss; 20 % noise."""
    if not history or rng.random() < 0.2:
        return MOVES[rng.integers(3)]
    last = history[-1]
    return last.human if last.winner == "human" else rps.COUNTER[last.human]


@pytest.mark.parametrize("player, at_least", [(biased, 38), (creature_of_habit, 45)])
def test_adaptive_opponent_beats_habits_clearly(player, at_least):
    wins = [play(rps.AdaptiveOpponent(seed), player, seed=seed).computer for seed in range(4)]
    assert min(wins) > 33 and np.mean(wins) >= at_least, wins
    random_wins = [play(rps.RandomOpponent(seed + 100), player, seed=seed).computer for seed in range(4)]
    assert np.mean(random_wins) < np.mean(wins) - 5, (random_wins, wins)


def test_unknown_opponent_is_a_one_line_error():
    from mlplay.errors import MlplayError

    with pytest.raises(MlplayError, match="random or adaptive"):
        rps.make_opponent("psychic")
