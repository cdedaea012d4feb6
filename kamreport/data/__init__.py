"""Reading and validating input data (knows nothing of parameter files; see kamreport.inputs)."""

from kamreport.data.schemas import Codebook
from kamreport.data.readers import read_survey, read_transactions

__all__ = ["Codebook", "read_survey", "read_transactions"]
