"""What a browser sees: the reader widget's built bundle (source in `widget/`), `/` and `/demo`."""
