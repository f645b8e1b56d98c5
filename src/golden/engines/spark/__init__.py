"""The Spark engine: golden's stages on Spark DataFrames (``golden.SparkEngine``).

Modules: ``engine`` (the public engine object, importable without pyspark), ``records``
(validation and the shared row numbering), ``keys`` (block and term-frequency keys by
golden's normalisers), ``blocking`` (pairs as joins on block keys), ``compare`` (the
comparison and scoring kernels over Arrow batches of pairs), ``training`` (the comparison
patterns fitting needs), ``clustering`` (distributed connected components) and
``golden_records`` (survivorship on groups of whole entities). Households are linked on the
driver (see ``SparkEngine.to_pandas``).
"""
