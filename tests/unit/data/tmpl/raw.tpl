<p>{{NAME}}</p>
