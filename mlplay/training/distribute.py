"""tf.distribute for the training loop: the strategy, and what each process of a multi-worker run does.

Multi-worker training: every machine runs the same `mlplay train NAME --strategy multiworker` with its own
TF_CONFIG (the cluster's addresses and its own task). Each step takes a global batch of
(per-worker batch) × (workers); tf.data shards the data so each worker computes its part of every batch, and
the gradients are summed across workers. Only the chief (the "chief" task, else worker 0) keeps the run
folder, writes models/ and the card; the other workers checkpoint into a temporary folder removed at the end.
"""

import json
import os
from dataclasses import dataclass
from enum import Enum

from mlplay.errors import MlplayError


class Strategy(str, Enum):
    """`mlplay train --strategy`: one device, all local devices (mirrored), or several machines (multiworker)."""

    default = "default"
    mirrored = "mirrored"
    multiworker = "multiworker"

HINT = 'set TF_CONFIG on every worker, e.g. {"cluster": {"worker": ["host1:12345", "host2:12345"]}, ' \
       '"task": {"type": "worker", "index": 0}} (docs/training.md: more devices and more machines)'


@dataclass(frozen=True)
class Role:
    """This process's place in the run: how many workers there are and whether it is the chief."""

    workers: int = 1
    chief: bool = True
    task: str = "worker 0"


def role(strategy: Strategy, env: dict | None = None) -> Role:
    """Read TF_CONFIG for --strategy multiworker (a one-line error when it is missing or malformed)."""
    if Strategy(strategy) is not Strategy.multiworker:
        return Role()
    raw = (os.environ if env is None else env).get("TF_CONFIG", "")
    if not raw:
        raise MlplayError("--strategy multiworker needs TF_CONFIG: the cluster and this worker's task", HINT)
    try:
        config = json.loads(raw)
        cluster, task = config["cluster"], config["task"]
        kind, index = task["type"], int(task["index"])
        workers = sum(len(cluster.get(k, [])) for k in ("chief", "worker"))
        if kind not in ("chief", "worker") or index < 0 or index >= len(cluster[kind]):
            raise ValueError(f"task {kind} {index} is not in the cluster")
    except (ValueError, KeyError, TypeError) as e:
        raise MlplayError(f"TF_CONFIG is not a usable cluster: {e}", HINT) from None
    chief = kind == "chief" or (kind == "worker" and index == 0 and "chief" not in cluster)
    return Role(workers=workers, chief=chief, task=f"{kind} {index}")


def make_strategy(strategy: Strategy):
    from mlplay.console import tensorflow

    tf = tensorflow()
    strategy = Strategy(strategy)
    if strategy is Strategy.default:
        return tf.distribute.get_strategy()
    if strategy is Strategy.mirrored:
        gpus = tf.config.list_logical_devices("GPU")
        devices = [d.name for d in (gpus or tf.config.list_logical_devices("CPU"))]
        return tf.distribute.MirroredStrategy(devices=devices)
    role(strategy)  # multiworker: a clear error before TensorFlow waits for a cluster that was never described
    return _multi_worker_strategy(tf)


def _multi_worker_strategy(tf):
    """MultiWorkerMirroredStrategy (cluster from TF_CONFIG) whose `reduce` takes what Keras 3's fit() gives it.

    Keras 3.15's TensorFlow trainer calls `strategy.reduce` with a nested first batch (to build the model) and with
    `axis=0` on scalar metrics; the strategy accepts neither ("unsupported type PerReplica to a Tensor",
    keras-team/keras#20585). Reducing each leaf, over replicas only when it is a scalar, is what was meant.
    """

    class MultiWorker(tf.distribute.MultiWorkerMirroredStrategy):
        def reduce(self, reduce_op, value, axis=None):
            def one(v):
                local = self.experimental_local_results(v)[0]
                if local.dtype in (tf.uint8, tf.int8, tf.uint16, tf.int16):  # pictures kept as bytes: the collective
                    v = self.run(lambda x: tf.cast(x, tf.float32), args=(v,))  # ops take no 8- or 16-bit integers
                scalar = local.shape.rank == 0
                return super(MultiWorker, self).reduce(reduce_op, v, None if scalar else axis)

            return tf.nest.map_structure(one, value)

    return MultiWorker()


def shard_by_data(dataset):
    """Each worker takes its share of every global batch (by element: the data is in memory, not in files)."""
    import tensorflow as tf

    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return dataset.with_options(options)


def local_copy(model, exp, data):
    """The trained weights in a model built outside the strategy: scored and saved like a single-process one."""
    plain = exp.make_model(data, pretrained=False)
    for mine, trained in zip(plain.layers, model.layers, strict=True):
        mine.set_weights(trained.get_weights())
    plain.compile(loss=exp.loss, metrics=list(exp.metrics))
    return plain
