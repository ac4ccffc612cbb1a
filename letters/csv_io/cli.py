import click
from flask.cli import AppGroup

prisoners = AppGroup("prisoners", help="Import and export the prisoner list as CSV.")
