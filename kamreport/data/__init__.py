"""Reading and validating input data; the demo data set."""

from kamreport.data.inputs import Inputs, load_inputs
from kamreport.data.schemas import Codebook
from kamreport.data.sources import read_survey, read_transactions

__all__ = ["Codebook", "Inputs", "load_inputs", "read_survey", "read_transactions"]
