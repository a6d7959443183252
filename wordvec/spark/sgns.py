"""Data-parallel SGNS on Spark: `SparkSGNS`, the SGNS estimator whose corpus passes run on
Spark and whose epochs are trained by Spark's executors.

The driver builds the vocabulary and encodes the corpus on Spark (`wordvec.spark.corpus`,
identical to the local engine's), then cuts the corpus into the same jobs of about
`JOB_WORDS` words, with the same random streams, as `wordvec.train.sgns`. Each epoch runs in
`rounds` rounds; in a round, each of `partitions` Spark tasks trains its share of the
round's consecutive jobs, one after the other, with the same native kernel, starting from
the model broadcast at the start of the round, and returns its change to the model. The
driver adds the tasks' changes to the model: what Hogwild threads do on one machine, except
that a task sees the others' updates one round late. Spark MLlib's Word2Vec instead averages
its partitions' models (per word, over the partitions that moved it); averaging divides the
progress of every word that several tasks move by their number, as if their learning rate
were that much smaller. On `bench` at 5 epochs with 2 partitions and 10 rounds
(`benchmarks/bench_scale.py --quality`) averaging lost .071 analogy and .108 WS353 to the
local trainer; adding lost .023 analogy and gained .012 WS353. More partitions make the
sum's staleness larger; more rounds make it smaller and cost a broadcast each
(`benchmarks/bench_spark_sgns.py`, seeds 1 and 2): 20 rounds lost .006 and .015 analogy,
40 (the default) .000 and .006, training in 170-200 s where 10 rounds took 68 (the local
trainer 32-36 s on 2 threads).

Checkpoints are written between rounds, in the local trainer's format, and `resume`
continues from them. With the same seed, `partitions` and `rounds`, the vectors are the
same on every run (each task runs its jobs in order; the driver combines in task order);
they differ from the local trainer's, which applies every update at once.

Examples
--------
>>> from wordvec.spark.sgns import SparkSGNS                          # doctest: +SKIP
>>> model = SparkSGNS(dim=50, partitions=2, random_state=1).fit("corpus/")  # doctest: +SKIP
"""

import math

import numpy as np

from ..corpus import as_corpus
from ..train.sgns import SGNS, _Run
from . import DEFAULT_MASTER, session, stage
from .corpus import build_vocabulary, encode_corpus, source_of


class SparkSGNS(SGNS):
    """`wordvec.train.sgns.SGNS` trained data-parallel on Spark (see the module docstring).

    Parameters
    ----------
    master : str
        Spark master URL ("local[2]", "spark://host:7077", "yarn").
    partitions : int
        Spark tasks per round, each training its share of the round's jobs.
    rounds : int
        Rounds per epoch: the model is combined and broadcast again after each (fewer are
        faster and lose quality: see the module docstring).

    The other parameters are `SGNS`'s; `threads` is not used (each task is one thread).
    """

    def __init__(self, dim=100, window=5, negative=5, hs=False, sample=1e-3, min_count=5,
                 max_vocab=None, epochs=5, alpha=0.025, min_alpha=0.0001, threads=None,
                 random_state=None, progress=True, checkpoint=None, checkpoint_every=None,
                 master=DEFAULT_MASTER, partitions=2, rounds=40):
        super().__init__(dim=dim, window=window, negative=negative, hs=hs, sample=sample,
                         min_count=min_count, max_vocab=max_vocab, epochs=epochs, alpha=alpha,
                         min_alpha=min_alpha, threads=threads, random_state=random_state,
                         progress=progress, checkpoint=checkpoint,
                         checkpoint_every=checkpoint_every)
        self.master = master
        self.partitions = partitions
        self.rounds = rounds

    def _validate(self):
        super()._validate()
        from ..train._params import check_integers

        check_integers(self, ("partitions", "rounds"))

    def fit(self, corpus, resume=None):
        source_of(as_corpus(corpus))   # a text corpus Spark can read, before anything runs
        self._spark = session(self.master, self.progress)
        try:
            return super().fit(corpus, resume=resume)
        finally:
            del self._spark

    def _vocabulary(self, corpus):
        return build_vocabulary(self._spark, corpus, self.min_count, self.max_vocab)

    def _encode(self, corpus, vocab):
        return encode_corpus(self._spark, corpus, vocab)

    def _run_class(self):
        return _SparkRun

    def __getstate__(self):   # shipped to the executors without the session
        state = dict(self.__dict__)
        state.pop("_spark", None)
        return state


class _Slice:
    """The `read(name, start, stop)` of an `EncodedCorpus`, over the part of it that one task
    trains (`arrays[name]` holds elements `offsets[name]:`)."""

    def __init__(self, arrays, offsets):
        self.arrays, self.offsets = arrays, offsets

    def read(self, name, start, stop):
        off = self.offsets[name]
        return np.array(self.arrays[name][start - off:stop - off])


class _SparkRun(_Run):
    """`_Run` whose epochs run as rounds of Spark tasks (see the module docstring)."""

    def __getstate__(self):   # the executors get the tables, not the corpus or the model
        state = dict(self.__dict__)
        for name in ("enc", "sgns_job", "syn0", "syn1", "hs", "vocab"):
            state.pop(name, None)
        state["tree"] = self.hs[1:]
        return state

    def _piece(self, jobs):
        """The encoded sentences of consecutive `jobs`, as a `_Slice`."""
        s0, s1 = int(self.bounds[jobs[0]]), int(self.bounds[jobs[-1] + 1])
        first = max(s0 - 1, 0)
        ends = self.enc.read("ends", first, s1)
        raw = self.enc.read("raw_ends", first, s1)
        tok0 = int(ends[0]) if s0 else 0
        ids = self.enc.read("ids", tok0, int(ends[-1]))
        return _Slice({"ends": ends, "raw_ends": raw, "ids": ids},
                      {"ends": first, "raw_ends": first, "ids": tok0})

    def _epoch(self, epoch, first_job, job_loss, job_pairs, bar, stop):
        m = self.model
        spark = m._spark
        per_round = max(1, math.ceil(self.n_jobs / m.rounds))
        j = first_job
        while j < self.n_jobs and not stop.is_set():
            jobs = np.arange(j, min(j + per_round, self.n_jobs))
            shares = [s for s in np.array_split(jobs, m.partitions) if len(s)]
            tasks = [(epoch, share, self._piece(share)) for share in shares]
            weights = (self.syn0, self.syn1, self.hs[0])
            sc = spark.sparkContext
            broadcast = sc.broadcast(weights)
            with stage("training SGNS", f"jobs {jobs[0]}-{jobs[-1]} of epoch {epoch + 1}"):
                results = (sc.parallelize(tasks, len(tasks))
                           .map(lambda task, run=self, b=broadcast: run._train_share(task, b))
                           .collect())
            broadcast.destroy()
            for target, changes in zip(weights, zip(*(r[0] for r in results))):
                _combine(target, changes)
            for (_, share, _), (_, losses, pairs) in zip(tasks, results):
                job_loss[share], job_pairs[share] = losses, pairs
            j = int(jobs[-1]) + 1
            bar.done += int(self.job_words[jobs].sum())
            bar.update(0, loss=float(job_loss.sum()) / max(int(job_pairs.sum()), 1))
            if not np.isfinite(job_loss[jobs]).all():
                break   # `_train` says that training diverged
        return j

    def _train_share(self, task, broadcast):
        """On an executor: train `share`'s jobs from the broadcast model; return the changes
        to the model, and the loss and pairs of each job."""
        epoch, share, piece = task
        start = broadcast.value
        self.syn0, self.syn1, syn1hs = (np.array(w) for w in start)
        self.hs = (syn1hs, *self.tree)
        self.enc = piece
        self.sgns_job = self.model._job_function()
        losses = np.zeros(len(share), np.float64)
        pairs = np.zeros(len(share), np.int64)
        for k, job in enumerate(share):
            losses[k], pairs[k] = self._job(epoch, int(job))
        changes = [new - old for new, old in zip((self.syn0, self.syn1, syn1hs), start)]
        return changes, losses, pairs


def _combine(target, changes):
    """Add the tasks' `changes` to `target`, in task order (in place)."""
    for change in changes:
        target += change
